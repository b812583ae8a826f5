package dev.pooler.sharing.internal;

import java.util.Map;

/** Where the sharing service posts its events (Event Admin in the framework; a list in tests). */
@FunctionalInterface
interface SharingEvents {

    SharingEvents NONE = (topic, properties) -> { };

    void post(String topic, Map<String, Object> properties);
}
