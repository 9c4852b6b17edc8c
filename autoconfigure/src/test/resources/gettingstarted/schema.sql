CREATE TABLE orders (id UUID PRIMARY KEY, customer_email VARCHAR(320) NOT NULL, total NUMERIC(12, 2) NOT NULL);
CREATE TABLE invoices (order_id UUID PRIMARY KEY, total NUMERIC(12, 2) NOT NULL, message_id VARCHAR(200) NOT NULL);
CREATE TABLE outgoing_mail (job_id UUID PRIMARY KEY, recipient VARCHAR(320) NOT NULL, subject VARCHAR(200) NOT NULL);
CREATE TABLE order_requests (idempotency_key VARCHAR(200) PRIMARY KEY, order_id UUID);
