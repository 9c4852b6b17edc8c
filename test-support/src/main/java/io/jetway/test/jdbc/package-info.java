/**
 * Test support: fresh databases on H2, PostgreSQL and MariaDB.
 */
@NullMarked
package io.jetway.test.jdbc;

import org.jspecify.annotations.NullMarked;
