CREATE INDEX `requests_library_role_status` ON `requests` (`library_id`,`role`,`status`);--> statement-breakpoint
CREATE INDEX `requests_library_temporary_barcode` ON `requests` (`library_id`,`temporary_barcode`);--> statement-breakpoint
CREATE INDEX `requests_library_supplier_barcode` ON `requests` (`library_id`,`supplier_item_barcode`);