import { ChargeRequestDto, type PaymentView } from '@app/contracts';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { toPaymentView } from './payment.entity.js';
import { PaymentsService } from './payments.service.js';

@Controller('payments')
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  /** 201 for a new charge, 200 when the order was already charged (the first result). */
  @Post()
  @HttpCode(201)
  async charge(@Body() body: ChargeRequestDto, @Res({ passthrough: true }) res: Response): Promise<PaymentView> {
    const { payment, created } = await this.payments.charge(body);
    if (!created) res.status(200);
    return toPaymentView(payment);
  }

  @Get()
  async byOrder(@Query('orderId', new ParseUUIDPipe()) orderId: string): Promise<PaymentView> {
    return toPaymentView(await this.payments.findByOrder(orderId));
  }

  @Get(':id')
  async get(@Param('id', new ParseUUIDPipe()) id: string): Promise<PaymentView> {
    return toPaymentView(await this.payments.get(id));
  }
}
