/** One labelled figure of a `<dl class="stats">` (figures, a product's or an order's facts). */
export function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div class="stat">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}
