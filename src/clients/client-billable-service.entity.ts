import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { BillableService } from './billable-service.entity';
import { Client } from './client.entity';

/** An assignment of a catalog service to a client; a service is assigned to a client at most once. */
@Entity('client_billable_services')
@Unique('UQ_client_billable_services_pair', ['clientId', 'billableServiceId'])
export class ClientBillableService {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'client_id', type: 'uuid' })
  clientId: string;

  @ManyToOne(() => Client, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id' })
  client?: Client;

  @Column({ name: 'billable_service_id', type: 'uuid' })
  billableServiceId: string;

  @ManyToOne(() => BillableService, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'billable_service_id' })
  billableService?: BillableService;

  @Column({ type: 'int' })
  quantity: number;

  @Column({ name: 'unit_price', type: 'numeric', precision: 12, scale: 2 })
  unitPrice: string;

  @Column({ name: 'start_date', type: 'date', nullable: true })
  startDate: string | null;

  @Column({ name: 'end_date', type: 'date', nullable: true })
  endDate: string | null;

  @Column({ type: 'text', nullable: true })
  notes: string | null;

  /** The run (an import) that created the assignment or last changed it, and its code. */
  @Column({ name: 'import_job_id', type: 'uuid', nullable: true })
  importJobId: string | null;

  @Column({ name: 'import_code', type: 'text', nullable: true })
  importCode: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz', nullable: true })
  updatedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
