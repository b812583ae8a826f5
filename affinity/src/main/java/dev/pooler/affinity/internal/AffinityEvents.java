package dev.pooler.affinity.internal;

import java.util.Map;

/** Where the affinity service posts its events (Event Admin in the framework; a list in tests). */
@FunctionalInterface
interface AffinityEvents {

    AffinityEvents NONE = (topic, properties) -> { };

    void post(String topic, Map<String, Object> properties);
}
