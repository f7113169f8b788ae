/**
 * `/ratings/managers`: the clients' ratings of completed requests per manager
 * (issue 19.8, commands/rateRequest) — our managers and admins only
 * (`maySeeRatings`), 403 for others.
 */
import { sql } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ForbiddenError } from '../../commands/context.js';
import { maySeeRatings } from '../../policies/access.js';
import type { RouteOptions } from '../api.js';
import { requireViewer } from '../auth/guard.js';
import { errorBody } from './schemas.js';

const managerRatings = z.object({
  /** The manager the ratings count for (the dialog's owner at completion, else who answered the client last — commands/rateRequest creditedManager); null: nobody of ours took part. */
  userId: z.number().nullable(),
  name: z.string().nullable(),
  /** Ratings given (buttons pressed). */
  rated: z.number(),
  /** Asked but not rated (yet). */
  unanswered: z.number(),
  /** Mean score, a decimal string with 2 places («4.50»), null when none. */
  average: z.string().nullable(),
  /** The newest comment and its score. */
  lastComment: z.string().nullable(),
});

export const ratingRoutes: FastifyPluginAsync<RouteOptions> = async (instance, { getContext }) => {
  const app = instance.withTypeProvider<ZodTypeProvider>();

  /**
   * Ratings per manager, best average first (the average is computed in SQL numeric, never a float), and whether the
   * bot asks for ratings now (`asking`), so the page can say why none come.
   */
  app.get(
    '/ratings/managers',
    {
      schema: {
        tags: ['ratings'],
        summary: "Clients' ratings of completed requests per manager (our managers and admins only)",
        response: {
          200: z.object({
            items: z.array(managerRatings),
            /** Whether the bot asks for a rating when a request completes now (RATING_REQUEST=on); off: no new ratings come. */
            asking: z.boolean(),
          }),
          401: errorBody,
          403: errorBody,
        },
      },
    },
    async (request) => {
      const viewer = requireViewer(request);
      const { db } = getContext().database;
      if (!(await maySeeRatings(db, viewer))) throw new ForbiddenError('Оценки видят только менеджеры');
      const result = await db.execute<{ user_id: string | null; name: string | null; rated: number; unanswered: number; average: string | null; last_comment: string | null }>(sql`
        select r.owner_user_id as user_id, u.name,
               count(r.score)::int as rated,
               (count(*) - count(r.score))::int as unanswered,
               round(avg(r.score)::numeric, 2)::text as average,
               (array_agg(r.comment order by r.rated_at desc) filter (where r.comment is not null))[1] as last_comment
          from request_ratings r left join users u on u.id = r.owner_user_id
         group by r.owner_user_id, u.name
         order by avg(r.score) desc nulls last, u.name`);
      return {
        items: result.rows.map((row) => ({
          userId: row.user_id === null ? null : Number(row.user_id),
          name: row.name,
          rated: row.rated,
          unanswered: row.unanswered,
          average: row.average,
          lastComment: row.last_comment,
        })),
        asking: getContext().config.rating.ask,
      };
    },
  );
};
