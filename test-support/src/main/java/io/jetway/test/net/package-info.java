/**
 * Test support: network faults (a TCP proxy that cuts, blackholes and delays).
 */
@NullMarked
package io.jetway.test.net;

import org.jspecify.annotations.NullMarked;
