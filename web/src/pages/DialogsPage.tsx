export default function DialogsPage() {
  return null;
}
