import { MessagingEnv, IsPort } from '@app/common';

export class NotificationEnv extends MessagingEnv {
  @IsPort()
  PORT: number = 3003;
}
