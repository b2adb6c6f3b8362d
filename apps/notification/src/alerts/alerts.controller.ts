import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query, UseGuards } from '@nestjs/common';
import { type AlertView, toAlertView } from './alert.entity.js';
import { AlertWebhookGuard } from './alert-webhook.guard.js';
import { type ReceiveResult, AlertsService } from './alerts.service.js';
import { alertWebhookPipe } from './dto/alert-webhook.pipe.js';
import type { AlertmanagerWebhook } from './dto/alertmanager-webhook.dto.js';
import { ListAlertsQueryDto } from './dto/list-alerts-query.dto.js';

@Controller('alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  /** Alertmanager's webhook receiver (`webhook_configs[].url`). */
  @Post()
  @HttpCode(HttpStatus.OK)
  @UseGuards(AlertWebhookGuard)
  receive(@Body(alertWebhookPipe()) payload: AlertmanagerWebhook): Promise<ReceiveResult> {
    return this.alerts.receive(payload);
  }

  /** Newest first. */
  @Get()
  async list(@Query() query: ListAlertsQueryDto): Promise<{ data: AlertView[] }> {
    return { data: (await this.alerts.list(query)).map(toAlertView) };
  }
}
