import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ConflictError, NotFoundError } from '../common/domain-errors';
import { Client } from './client.entity';
import { ClientDto, ClientPageDto, CreateClientDto, toClientDto } from './dto/client.dto';
import { SearchPageQueryDto } from '../common/dto/page-query.dto';
import { searchPage } from './search-page';
import { isUniqueViolation } from '../common/unique-violation';

@Injectable()
export class ClientsService {
  constructor(@InjectRepository(Client) private readonly clients: Repository<Client>) {}

  /** The unique index decides duplicates, so two concurrent creates of one code cannot both win. */
  async create({ code, name }: CreateClientDto): Promise<ClientDto> {
    try {
      const client = await this.clients.save(this.clients.create({ code, name }), { transaction: false });
      return toClientDto(client);
    } catch (error) {
      if (isUniqueViolation(error, 'UQ_clients_code_ci')) {
        throw new ConflictError(`A client with code "${code}" already exists (codes are case-insensitive)`);
      }
      throw error;
    }
  }

  async list(query: SearchPageQueryDto): Promise<ClientPageDto> {
    const [clients, total] = await searchPage(this.clients.createQueryBuilder('client'), query);
    return { items: clients.map(toClientDto), total, page: query.page, limit: query.limit };
  }

  async get(id: string): Promise<ClientDto> {
    const client = await this.clients.findOneBy({ id });
    if (!client) throw new NotFoundError(`Client ${id} not found`);
    return toClientDto(client);
  }
}
