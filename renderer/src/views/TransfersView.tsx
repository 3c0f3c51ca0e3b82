export function TransfersView() {
  return (
    <>
      <h1>Transfers</h1>
      <p>Nothing is being sent or received right now.</p>
    </>
  );
}
