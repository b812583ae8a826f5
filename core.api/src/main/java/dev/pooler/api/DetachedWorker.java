package dev.pooler.api;

import org.osgi.annotation.versioning.ProviderType;

/** A worker taken out of its pool by {@link WorkerExchange#detach}: to be attached elsewhere, or rolled back. */
@ProviderType
public interface DetachedWorker {

    String workerId();

    /** The pool it served when it was detached (where a rollback returns it). */
    String fromPool();

    /** The pool that launched it and owns it for life. */
    String ownerPool();

    long pid();
}
