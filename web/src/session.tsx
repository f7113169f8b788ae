/** Who is signed in: `/api/auth/me`, kept by TanStack Query; the CSRF token comes with it. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, setCsrfToken, type Me, type Meta, type Session } from './api.js';

export function useSession() {
  return useQuery({
    queryKey: ['session'],
    queryFn: async () => {
      const session = await api<Session>('/auth/me');
      setCsrfToken(session.csrfToken);
      return session;
    },
    staleTime: 60_000,
  });
}

export function useMe(): Me | null {
  return useSession().data?.user ?? null;
}

export function useMeta() {
  return useQuery({ queryKey: ['meta'], queryFn: () => api<Meta>('/meta'), staleTime: Infinity });
}

/** After sign-in or sign-out: store the new token and refetch everything. */
export function useSessionChanged() {
  const client = useQueryClient();
  return (session: Session) => {
    setCsrfToken(session.csrfToken);
    client.setQueryData(['session'], session);
    void client.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'session' && q.queryKey[0] !== 'meta' });
  };
}
