// A coded message on the wire (control contract): the code from the closed set, its params, the detail.
import { z } from 'zod';
import { isMessageCode, type MessageCode } from '../errors.js';

export const MessageParamsSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
export const MessageSchema = z.object({
  code: z.custom<MessageCode>(isMessageCode, 'unknown message code'),
  params: MessageParamsSchema.optional(),
  detail: z.string().optional(),
});
