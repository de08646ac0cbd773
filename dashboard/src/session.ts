/** Who is signed in, for the pages (actions are shown only to roles that may use them). */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Viewer } from './auth';

export const SessionContext = createContext<Viewer>({ name: '', role: 'VIEWER' });
export const useViewer = () => useContext(SessionContext);
