/** The subscriptions socket as pages see it: how many times it came back since sign-in. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { useOnChange } from './hooks';

export const ReconnectsContext = createContext(0);

/**
 * Calls `effect` after each reconnection. graphql-ws subscribes again on the new socket, but the
 * events sent while it was down are lost: whatever they would have changed is read again.
 */
export function useOnReconnect(effect: () => void) {
  useOnChange(useContext(ReconnectsContext), effect);
}
