/** {@link dev.pooler.api.session.SessionSync}: sessions' data pushed to pools and where it stands (mechanism; the affinity bundle decides when). */
package dev.pooler.core.impl.sync;
