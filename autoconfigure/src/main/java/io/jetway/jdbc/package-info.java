/**
 * Jetway's tables: database types, DDL per database, schema creation.
 */
@NullMarked
package io.jetway.jdbc;

import org.jspecify.annotations.NullMarked;
