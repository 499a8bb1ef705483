import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ConflictError, NotFoundError } from '../common/domain-errors';
import { BillableService } from './billable-service.entity';
import {
  BillableServiceDto,
  BillableServicePageDto,
  CreateBillableServiceDto,
  toBillableServiceDto,
} from './dto/billable-service.dto';
import { SearchPageQueryDto } from '../common/dto/page-query.dto';
import { searchPage } from './search-page';
import { isUniqueViolation } from '../common/unique-violation';

/** The catalog of billable services. */
@Injectable()
export class BillableServicesService {
  constructor(@InjectRepository(BillableService) private readonly services: Repository<BillableService>) {}

  async create({ code, name, unitPrice }: CreateBillableServiceDto): Promise<BillableServiceDto> {
    try {
      const service = await this.services.save(this.services.create({ code, name, unitPrice }), {
        transaction: false,
      });
      // Read back so that unitPrice is PostgreSQL's rendering of numeric(12,2): "12.5" becomes "12.50".
      return toBillableServiceDto(await this.services.findOneByOrFail({ id: service.id }));
    } catch (error) {
      if (isUniqueViolation(error, 'UQ_billable_services_code_ci')) {
        throw new ConflictError(
          `A billable service with code "${code}" already exists (codes are case-insensitive)`,
        );
      }
      throw error;
    }
  }

  async list(query: SearchPageQueryDto): Promise<BillableServicePageDto> {
    const [services, total] = await searchPage(this.services.createQueryBuilder('service'), query);
    return { items: services.map(toBillableServiceDto), total, page: query.page, limit: query.limit };
  }

  async get(id: string): Promise<BillableServiceDto> {
    const service = await this.services.findOneBy({ id });
    if (!service) throw new NotFoundError(`Billable service ${id} not found`);
    return toBillableServiceDto(service);
  }
}
