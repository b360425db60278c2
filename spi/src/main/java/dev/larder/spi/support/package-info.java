/**
 * Small, dependency-free helpers that several backends need, kept here so that each exists once:
 * {@link dev.larder.spi.support.InFlight} bounds asynchronous requests in flight.
 */
package dev.larder.spi.support;
