package dev.pooler.core.impl.events;

import java.util.Map;

/** Where pools and the router send their events; backed by Event Admin when one is present. */
@FunctionalInterface
public interface EventSink {

    EventSink NONE = (topic, properties) -> { };

    /** Posts asynchronously; never blocks, never throws. */
    void post(String topic, Map<String, Object> properties);
}
