/**
 * The adapter extender: bundles that carry Python adapters ({@code Pooler-Adapter} header) are unpacked,
 * checked in a real interpreter and offered to the pools; updates roll the pools' workers, removals make
 * the adapter missing.
 */
package dev.pooler.core.impl.adapters;
