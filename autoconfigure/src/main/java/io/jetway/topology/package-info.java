/**
 * Stream topology: declared streams ({@link io.jetway.topology.StreamDeclaration}), the
 * overlap-safe ensure pass ({@link io.jetway.topology.StreamTopology}), subject matching
 * ({@link io.jetway.topology.Subjects}) and namespacing
 * ({@link io.jetway.topology.Namespace}).
 */
@NullMarked
package io.jetway.topology;

import org.jspecify.annotations.NullMarked;
