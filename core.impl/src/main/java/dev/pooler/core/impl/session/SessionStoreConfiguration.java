package dev.pooler.core.impl.session;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration {@code dev.pooler.sessions}: how long and how many sessions' state the platform keeps. */
@ObjectClassDefinition(id = SessionStoreImpl.PID, name = "Pooler session store",
        description = "Sessions' state (programs, variables) kept between requests, so it survives workers.")
public @interface SessionStoreConfiguration {

    @AttributeDefinition(name = "Time to live (s)", description = "A session unused this long is forgotten.", min = "1")
    long ttl_s() default SessionStoreImpl.DEFAULT_TTL_S;

    @AttributeDefinition(name = "Max sessions", description = "Past this many, the least recently used session is forgotten.",
            min = "1")
    int max_sessions() default SessionStoreImpl.DEFAULT_MAX_SESSIONS;
}
