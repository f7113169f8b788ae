/** What the compose box hands over, turned into one control call: text, one file, or an album. */
import { control, toMediaInput, type SendInput } from './api.js';

export async function sendAs(
  target: { from: number; chat_id?: number; message_thread_id?: number; reply_to_message_id?: number },
  input: { text: string; files: File[] },
): Promise<void> {
  const body: SendInput = { ...target };
  const text = input.text.trim() ? input.text : '';
  if (input.files.length === 0) {
    body.text = text;
  } else if (input.files.length === 1) {
    body.media = await toMediaInput(input.files[0]!);
    if (text) body.caption = text;
  } else {
    const album = await Promise.all(input.files.map(toMediaInput));
    if (text) album[0]!.caption = text;
    body.album = album;
  }
  await control.send(body);
}
