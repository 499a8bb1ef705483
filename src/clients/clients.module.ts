import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AssignmentBulkService } from './assignment-bulk.service';
import { AssignmentRevertService } from './assignment-revert.service';
import { AssignmentChangesService } from './assignment-changes.service';
import { BillableService } from './billable-service.entity';
import { BillableServicesController } from './billable-services.controller';
import { BillableServicesService } from './billable-services.service';
import { ClientBillableService } from './client-billable-service.entity';
import { ClientBillableServicesService } from './client-billable-services.service';
import { Client } from './client.entity';
import { ClientsController } from './clients.controller';
import { ClientsService } from './clients.service';
import { AssignmentExportController } from './export/assignment-export.controller';
import { AssignmentExportService } from './export/assignment-export.service';

/**
 * Clients, the billable-service catalog and the assignments between them. Other modules use the
 * exported services, never the repositories.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Client, BillableService, ClientBillableService])],
  controllers: [ClientsController, BillableServicesController, AssignmentExportController],
  providers: [
    ClientsService,
    BillableServicesService,
    ClientBillableServicesService,
    AssignmentBulkService,
    AssignmentChangesService,
    AssignmentRevertService,
    AssignmentExportService,
  ],
  exports: [
    ClientsService,
    BillableServicesService,
    AssignmentBulkService,
    AssignmentChangesService,
    AssignmentRevertService,
  ],
})
export class ClientsModule {}
