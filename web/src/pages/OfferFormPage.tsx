export default function OfferFormPage() {
  return null;
}
