import { MessagingEnv } from '@app/common';
import { IsInt, Max, Min } from 'class-validator';

export class NotificationEnv extends MessagingEnv {
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT: number = 3003;
}
