import { ApiProperty } from '@nestjs/swagger';

/** What every paged list carries besides its items; each list declares its own `items`. */
export abstract class PageDto {
  /** Number of items across all pages */
  @ApiProperty({ type: 'integer', example: 1 })
  total: number;

  @ApiProperty({ type: 'integer', example: 1 })
  page: number;

  @ApiProperty({ type: 'integer', example: 20 })
  limit: number;
}
