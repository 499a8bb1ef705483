import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { BillableServicesService } from './billable-services.service';
import {
  BillableServiceDto,
  BillableServicePageDto,
  CreateBillableServiceDto,
} from './dto/billable-service.dto';
import { SearchPageQueryDto } from '../common/dto/page-query.dto';

@ApiTags('billable-services')
@Controller('billable-services')
export class BillableServicesController {
  constructor(private readonly services: BillableServicesService) {}

  /** Add a service to the catalog */
  @Post()
  @ApiConflictResponse({
    description: 'A service with this code (compared case-insensitively) already exists',
  })
  create(@Body() body: CreateBillableServiceDto): Promise<BillableServiceDto> {
    return this.services.create(body);
  }

  /** List the catalog ordered by code, optionally filtered by a substring of the code or name */
  @Get()
  list(@Query() query: SearchPageQueryDto): Promise<BillableServicePageDto> {
    return this.services.list(query);
  }

  /** Get one catalog service */
  @Get(':id')
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNotFoundResponse({ description: 'No billable service with this id' })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<BillableServiceDto> {
    return this.services.get(id);
  }
}
