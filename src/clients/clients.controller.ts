import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { ClientBillableServicesService } from './client-billable-services.service';
import { ClientsService } from './clients.service';
import { ClientBillableServicePageDto } from './dto/client-billable-service.dto';
import { ClientDto, ClientPageDto, CreateClientDto } from './dto/client.dto';
import { PageQueryDto, SearchPageQueryDto } from '../common/dto/page-query.dto';

@ApiTags('clients')
@Controller('clients')
export class ClientsController {
  constructor(
    private readonly clients: ClientsService,
    private readonly assignments: ClientBillableServicesService,
  ) {}

  /** Create a client */
  @Post()
  @ApiConflictResponse({
    description: 'A client with this code (compared case-insensitively) already exists',
  })
  create(@Body() body: CreateClientDto): Promise<ClientDto> {
    return this.clients.create(body);
  }

  /** List clients ordered by code, optionally filtered by a substring of the code or name */
  @Get()
  list(@Query() query: SearchPageQueryDto): Promise<ClientPageDto> {
    return this.clients.list(query);
  }

  /** Get one client */
  @Get(':id')
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNotFoundResponse({ description: 'No client with this id' })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<ClientDto> {
    return this.clients.get(id);
  }

  /** List the billable services assigned to a client, ordered by service code */
  @Get(':id/billable-services')
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNotFoundResponse({ description: 'No client with this id' })
  listBillableServices(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: PageQueryDto,
  ): Promise<ClientBillableServicePageDto> {
    return this.assignments.listForClient(id, query);
  }
}
