/**
 * `/requests/:id`: the request's terms and status, the offers side by side
 * (the customer accepts one), the timeline of events, documents, and the
 * request's chat. Live: the server pushes ids over SSE and the page refetches
 * what changed.
 */
import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Anchor, Badge, Button, Card, Grid, Group, Paper, ScrollArea, SegmentedControl, SimpleGrid, Stack, Table, Text, Textarea, Timeline, Title } from '@mantine/core';
import { api, ApiError, type ChatMessage, type Offer, type RequestPage as RequestPageData, type RequestStatus, type TimelineEvent } from '../api.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { QueryState, StatusBadge } from '../components/common.js';
import { TermsEditor } from '../components/deal/TermsEditor.js';
import { Row, TermsTable } from '../components/deal/TermsTable.js';
import { termsChangeOfEvent, useTermsChangeText } from '../components/deal/termsChange.js';
import { RequestDocuments } from '../components/documents/RequestDocuments.js';
import { ChatFile } from '../components/documents/ChatFile.js';

export default function RequestPage() {
  const { id } = useParams();
  const page = useQuery({ queryKey: ['request', id], queryFn: () => api<RequestPageData>(`/requests/${id}`) });
  useLiveUpdates(id);
  return <QueryState query={page}>{() => <RequestView page={page.data!} />}</QueryState>;
}

/** Subscribes to the request's SSE channel; every event refetches the page and the chat. */
function useLiveUpdates(id: string | undefined) {
  const client = useQueryClient();
  useEffect(() => {
    if (!id || typeof EventSource === 'undefined') return;
    const source = new EventSource(`/api/requests/${id}/live`);
    const refresh = (type: string) => () => {
      if (type === 'message') void client.invalidateQueries({ queryKey: ['chat', id] });
      else void client.invalidateQueries({ queryKey: ['request', id] });
    };
    for (const type of ['message', 'offer', 'status', 'terms', 'document']) source.addEventListener(type, refresh(type));
    return () => source.close();
  }, [id, client]);
}

function RequestView({ page }: { page: RequestPageData }) {
  const { t, money, dateTime, date } = useI18n();
  const { request, viewer } = page;
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: ['request', String(request.id)] });
  const [actionError, setActionError] = useState<string | null>(null);
  const changeStatus = useMutation({
    mutationFn: (action: 'complete' | 'cancel') => api(`/requests/${request.id}/status`, { method: 'POST', body: { action } }),
    onSuccess: refresh,
    onError: (e) => setActionError(e instanceof ApiError ? e.message : String(e)),
  });
  const b = request.beneficiary;

  return (
    <Stack>
      <Group justify="space-between">
        <Group>
          <Title order={2}>{t('request.number', { number: request.number })}</Title>
          <StatusBadge status={request.status} />
          {request.origin === 'telegram' && <Badge variant="light">{t('request.origin.telegram')}</Badge>}
          {request.dialogId !== null && <ClientHistoryLink dialogId={request.dialogId} />}
          {request.hidden && request.status === 'collecting_offers' && <Badge color="gray" variant="light">{t('request.hidden')}</Badge>}
        </Group>
        <Group>
          {viewer.canOffer && (
            <Button component={Link} to={`/agent/requests/${request.id}/offers/new`} variant="light">
              {t('request.makeOffer')}
            </Button>
          )}
          {viewer.canChangeStatus && request.status === 'accepted' && (
            <Button color="green" loading={changeStatus.isPending} onClick={() => changeStatus.mutate('complete')}>
              {t('request.complete')}
            </Button>
          )}
          {viewer.canChangeStatus && (
            <Button color="red" variant="subtle" loading={changeStatus.isPending} onClick={() => changeStatus.mutate('cancel')}>
              {t('request.cancel')}
            </Button>
          )}
        </Group>
      </Group>
      {actionError && <Alert color="red">{actionError}</Alert>}

      <Grid>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Paper withBorder p="md">
            <Table>
              <Table.Tbody>
                <Row label={t('request.amount')} value={<b data-testid="request-amount">{money(request.amount, request.currency)}</b>} />
                <Row label={t('request.fundingCurrency')} value={request.fundingCurrency} />
                <Row label={t('request.customer')} value={request.customerName} />
                <Row label={t('request.beneficiary')} value={[b.name, b.country, b.address].filter(Boolean).join(', ')} />
                <Row label={t('request.beneficiary.bankName')} value={[b.bankName, b.swift && `SWIFT ${b.swift}`, b.cnaps && `CNAPS ${b.cnaps}`].filter(Boolean).join(', ')} />
                <Row label={t('request.beneficiary.account')} value={b.account} />
                <Row label={t('request.purpose')} value={request.purpose} />
                <Row
                  label={t('request.contract')}
                  value={[request.documents.contractNumber, request.documents.contractDate && date(request.documents.contractDate), request.documents.invoiceNumber && `${t('request.invoiceNumber')} ${request.documents.invoiceNumber}`]
                    .filter(Boolean)
                    .join(', ')}
                />
                <Row label={t('request.payer')} value={[request.payer.name, request.payer.inn && `${t('request.payer.inn')} ${request.payer.inn}`, request.payer.kpp && `${t('request.payer.kpp')} ${request.payer.kpp}`].filter(Boolean).join(', ')} />
                <Row label={t('request.deadline')} value={request.deadline ? date(request.deadline) : ''} />
                <Row label={t('request.comment')} value={request.comment ?? ''} />
                <Row label={t('request.created')} value={dateTime(request.createdAt)} />
              </Table.Tbody>
            </Table>
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Paper withBorder p="md" data-testid="terms">
            <Title order={4} mb="sm">
              {t('request.terms')}
            </Title>
            {request.terms ? <TermsTable terms={request.terms} /> : <Text c="dimmed">{t('request.noTerms')}</Text>}
          </Paper>
          {viewer.isCustomer && request.status === 'accepted' && request.terms && (
            <Stack mt="md">
              <TermsEditor request={request} />
            </Stack>
          )}
        </Grid.Col>
      </Grid>

      <Title order={3}>{t('request.offers')}</Title>
      {page.offers.length === 0 ? (
        <Text c="dimmed">{t('offer.none')}</Text>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} data-testid="offers">
          {page.offers.map((offer) => (
            <OfferCard
              key={offer.id}
              offer={offer}
              fundingCurrency={request.fundingCurrency}
              currentTotal={offer.status === 'accepted' ? (request.terms?.total ?? null) : null}
              canAccept={viewer.canAccept}
              onAccepted={refresh}
            />
          ))}
        </SimpleGrid>
      )}

      <Grid>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Title order={3} mb="sm">
            {t('request.timeline')}
          </Title>
          <RequestTimeline events={page.timeline} currency={request.currency} fundingCurrency={request.fundingCurrency} />
          {viewer.canChat && (
            <div style={{ marginTop: 'var(--mantine-spacing-lg)' }}>
              <RequestDocuments requestId={request.id} />
            </div>
          )}
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>{viewer.canChat && <Chat requestId={request.id} reachesTelegram={request.origin === 'telegram' && viewer.isCustomer} />}</Grid.Col>
      </Grid>
    </Stack>
  );
}

/** The link to the client's history page (the dialog names its client). */
function ClientHistoryLink({ dialogId }: { dialogId: number }) {
  const { t } = useI18n();
  const dialog = useQuery({ queryKey: ['dialog', dialogId], queryFn: () => api<{ client: { id: number; name: string } }>(`/dialogs/${dialogId}`) });
  if (!dialog.data) return null;
  return (
    <Anchor component={Link} to={`/clients/${dialog.data.client.id}`} size="sm" data-testid="client-history-link">
      {t('client.link')}: {dialog.data.client.name}
    </Anchor>
  );
}

/** Two decimal strings name the same amount ("1243875" and "1243875.00"). */
function sameAmount(a: string, b: string): boolean {
  const canonical = (x: string) => (x.includes('.') ? x.replace(/0+$/, '').replace(/\.$/, '') : x);
  return canonical(a) === canonical(b);
}

const offerStatusColor = { active: 'blue', accepted: 'green', declined: 'gray', withdrawn: 'gray' } as const;

/**
 * One offer. The accepted one whose deal terms were changed since (`/rate`,
 * the terms editor) shows the deal's current total first and its own total
 * as what was accepted, so nobody reads the old sum as the one to pay.
 */
function OfferCard({
  offer,
  fundingCurrency,
  currentTotal,
  canAccept,
  onAccepted,
}: {
  offer: Offer;
  fundingCurrency: string;
  /** The deal's current total (the accepted offer only). */
  currentTotal: string | null;
  canAccept: boolean;
  onAccepted: () => void;
}) {
  const { t, money, rate, percent, date } = useI18n();
  const accept = useMutation({ mutationFn: () => api(`/offers/${offer.id}/accept`, { method: 'POST', body: {} }), onSuccess: onAccepted });
  return (
    <Card withBorder data-testid={`offer-card-${offer.agentName}`}>
      <Group justify="space-between" mb="xs">
        <Text fw={600}>{offer.agentName}</Text>
        <Badge color={offerStatusColor[offer.status]}>{t(`offerStatus.${offer.status}`)}</Badge>
      </Group>
      {currentTotal !== null && !sameAmount(currentTotal, offer.total) ? (
        <>
          <Text size="xl" fw={700} data-testid="offer-current-total">
            {money(currentTotal, fundingCurrency)}
          </Text>
          <Text size="sm" c="dimmed" data-testid="offer-accepted-total">
            {t('offer.totalChanged', { total: money(offer.total, fundingCurrency) })}
          </Text>
        </>
      ) : (
        <Text size="xl" fw={700}>
          {money(offer.total, fundingCurrency)}
        </Text>
      )}
      <Text size="sm">
        {t('offer.rate')}: {rate(offer.rate)} · {t('offer.feePercent')}: {percent(offer.feePercent)} · {t('offer.fixedFee')}: {money(offer.fixedFee, fundingCurrency)}
      </Text>
      <Text size="sm">
        {t('offer.days')}: {offer.days}
        {offer.validUntil ? ` · ${t('offer.validUntil')}: ${date(offer.validUntil)}` : ''}
      </Text>
      {accept.error && (
        <Text c="red" size="sm">
          {accept.error instanceof ApiError ? accept.error.message : String(accept.error)}
        </Text>
      )}
      {canAccept && offer.status === 'active' && (
        <Button mt="sm" loading={accept.isPending} onClick={() => accept.mutate()}>
          {t('offer.accept')}
        </Button>
      )}
    </Card>
  );
}

function RequestTimeline({ events, currency, fundingCurrency }: { events: TimelineEvent[]; currency: string; fundingCurrency: string }) {
  const { t, dateTime, money } = useI18n();
  const termsChangeText = useTermsChangeText(currency, fundingCurrency);
  const statusLabel = (value: unknown) => (typeof value === 'string' ? t(`status.${value as RequestStatus}`) : '');
  const describe = (event: TimelineEvent): string => {
    switch (event.name) {
      case 'request.created':
        return t('timeline.request.created');
      case 'request.status':
        return `${t('timeline.request.status')}: ${statusLabel(event.before?.status)} → ${statusLabel(event.after?.status)}`;
      case 'offer.created':
        return `${t('timeline.offer.created')}${event.after?.total ? `: ${money(String(event.after.total), fundingCurrency)}` : ''}`;
      case 'request.terms_changed': {
        const change = termsChangeOfEvent(event.before, event.after);
        return change ? termsChangeText(change) : t('timeline.request.terms_changed');
      }
      default: {
        const key = `timeline.${event.name}` as MessageKey;
        const text = t(key);
        return text === key ? event.name : text;
      }
    }
  };
  return (
    <Timeline bulletSize={14} lineWidth={2} data-testid="timeline">
      {events.map((event) => (
        <Timeline.Item key={event.id} title={describe(event)}>
          <Text size="xs" c="dimmed">
            {dateTime(event.at)} · {event.actorName ?? t('timeline.system')}
          </Text>
        </Timeline.Item>
      ))}
    </Timeline>
  );
}

/**
 * The request's chat. On a request from a dialog, run by the viewer, the box
 * says before sending where a message goes: the client's topic (marked as
 * written on the platform), or the topic and the client.
 */
function Chat({ requestId, reachesTelegram }: { requestId: number; reachesTelegram: boolean }) {
  const { t, dateTime } = useI18n();
  const [sendTo, setSendTo] = useState<'topic' | 'client'>('topic');
  const client = useQueryClient();
  // The newest messages first; «show more» reaches further back.
  const [limit, setLimit] = useState(100);
  const chat = useQuery({
    queryKey: ['chat', String(requestId), limit],
    queryFn: () => api<ChatMessage[]>(`/requests/${requestId}/messages?limit=${limit}`),
    placeholderData: (previous) => previous,
  });
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const bottom = useRef<HTMLDivElement>(null);
  const send = useMutation({
    mutationFn: () => api(`/requests/${requestId}/messages`, { method: 'POST', body: reachesTelegram ? { text, sendTo } : { text } }),
    onSuccess: () => {
      setText('');
      setError(null);
      void client.invalidateQueries({ queryKey: ['chat', String(requestId)] });
    },
    onError: (e) => setError(e instanceof ApiError ? (e.fields.text ?? e.message) : String(e)),
  });
  // Braces matter: newer browsers return a Promise from scrollIntoView, and an effect may only return a cleanup.
  const newest = chat.data?.[chat.data.length - 1]?.id;
  useEffect(() => {
    bottom.current?.scrollIntoView({ block: 'nearest' });
  }, [newest]);

  return (
    <Paper withBorder p="md">
      <Title order={3} mb="sm">
        {t('request.chat')}
      </Title>
      <ScrollArea h={360} type="auto">
        <Stack gap="xs" data-testid="chat">
          {(chat.data?.length ?? 0) >= limit && (
            <Button variant="subtle" size="compact-sm" onClick={() => setLimit((n) => n + 100)}>
              {t('common.more')}
            </Button>
          )}
          {(chat.data ?? []).map((message) => (
            <div key={message.id} data-testid="chat-message">
              <Text size="xs" c="dimmed">
                <b>{message.authorName}</b> · {dateTime(message.at)}
                {message.deliveredTo && ` · ${t(message.deliveredTo === 'client' ? 'chat.deliveredToClient' : 'chat.deliveredToTopic')}`}
              </Text>
              {/* React escapes text: what users typed is never HTML here. */}
              {message.text && <Text style={{ whiteSpace: 'pre-wrap' }}>{message.text}</Text>}
              {message.media?.summary && !message.media.fileId && (
                <Text style={{ whiteSpace: 'pre-wrap' }} data-testid="chat-content">
                  {message.media.summary}
                </Text>
              )}
              {message.media && (message.media.fileId || !message.media.summary) && (
                <ChatFile
                  requestId={requestId}
                  chatMessageId={message.id}
                  fallback={
                    <Badge variant="light" size="sm">
                      {message.media.kind}
                      {message.media.fileName ? `: ${message.media.fileName}` : ''}
                    </Badge>
                  }
                />
              )}
            </div>
          ))}
          <div ref={bottom} />
        </Stack>
      </ScrollArea>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (text.trim()) send.mutate();
        }}
      >
        {reachesTelegram && (
          <SegmentedControl
            mt="sm"
            size="xs"
            data-testid="chat-send-to"
            value={sendTo}
            onChange={(value) => setSendTo(value as 'topic' | 'client')}
            data={[
              { value: 'topic', label: t('chat.sendToTopic') },
              { value: 'client', label: t('chat.sendToClient') },
            ]}
          />
        )}
        <Text size="xs" c="dimmed" mt={4} data-testid="chat-audience">
          {t(reachesTelegram ? (sendTo === 'client' ? 'chat.audienceClient' : 'chat.audienceTopic') : 'chat.audiencePlatform')}
        </Text>
        <Group align="flex-end" mt="xs">
          <Textarea style={{ flex: 1 }} autosize minRows={1} maxRows={5} placeholder={t('request.chatPlaceholder')} name="chat" value={text} onChange={(e) => setText(e.currentTarget.value)} error={error} />
          <Button type="submit" loading={send.isPending}>
            {t('request.chatSend')}
          </Button>
        </Group>
      </form>
    </Paper>
  );
}
