package io.jetway.sample;

import org.springframework.test.context.TestPropertySource;

/**
 * {@link ExternalWorkerTests} on PostgreSQL, the database the docs' worker was measured
 * on (leases, fencing and the jobs API's transaction run other SQL there than on H2).
 */
@TestPropertySource(properties = "sample.test.database=POSTGRESQL")
class ExternalWorkerPostgresqlTests extends ExternalWorkerTests {

}
