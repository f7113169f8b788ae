/**
 * Editing an accepted request's terms from the request page. It speaks the
 * managers' edit commands (`/rate 12.25`…), parsed by the same parser and
 * applied by the same command as in Telegram, so both places agree.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { changeTerms } from '../../commands/changeTerms.js';
import { ValidationError } from '../../commands/context.js';
import { EDIT_COMMANDS, parseEditCommand } from '../../core/editCommands.js';
import type { RouteOptions } from '../api.js';
import { requireViewer } from '../auth/guard.js';
import { errorBody, idParam } from './schemas.js';

const commands = EDIT_COMMANDS.map((c) => c.command) as [string, ...string[]];

export const termsRoutes: FastifyPluginAsync<RouteOptions> = async (instance, { getContext }) => {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/requests/:id/terms',
    {
      schema: {
        tags: ['requests'],
        summary: 'Changes one term of an accepted request (the same edit commands as in Telegram: rate, amount, fee, fixed, days, purpose, deadline, beneficiary, undo)',
        params: idParam,
        body: z.strictObject({ command: z.enum(commands), value: z.string().max(1000).default('') }),
        response: {
          200: z.object({
            field: z.string(),
            before: z.string(),
            after: z.string(),
            totalBefore: z.string().nullable(),
            totalAfter: z.string().nullable(),
            undone: z.boolean(),
          }),
          400: errorBody,
          403: errorBody,
          404: errorBody,
        },
      },
    },
    async (request) => {
      const { command, value } = request.body;
      const parsed = parseEditCommand(`/${command} ${value}`.trim(), new Date(), { timeZone: getContext().config.answerTime.timeZone });
      const field = EDIT_COMMANDS.find((c) => c.command === command)!.field;
      // The form's sentence, not the bot's reply: no «Пример: /rate 12.25» on a web page (issue 17).
      if (!parsed?.ok) throw new ValidationError(parsed?.message ?? 'Неизвестная команда', field);
      return changeTerms(getContext(), { requestId: request.params.id, edit: parsed.edit, actor: { viewer: requireViewer(request) } });
    },
  );
};
