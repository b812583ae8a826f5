/** {@link dev.pooler.api.WorkerExchange}: moving live workers between this bundle's pools (mechanism, not policy). */
package dev.pooler.core.impl.exchange;
