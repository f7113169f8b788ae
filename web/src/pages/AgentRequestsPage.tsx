export default function AgentRequestsPage() {
  return null;
}
