package dev.pooler.affinity.internal;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * Posts through the bound Event Admin, or drops the event when there is none. The bundle imports
 * {@code org.osgi.service.event} optionally: callers bind Event Admin as DS's {@link ComponentServiceObjects},
 * and only the nested poster, loaded once a service is bound, names Event Admin's types.
 */
final class OptionalEventAdmin {

    private record Bound(ServiceReference<?> reference, Poster poster) {
    }

    private final AtomicReference<Bound> bound = new AtomicReference<>();

    void bind(ComponentServiceObjects<?> eventAdmin) {
        Object service = eventAdmin.getService();
        if (service == null) {
            return;
        }
        try {
            bound.set(new Bound(eventAdmin.getServiceReference(), Poster.of(service)));
        } catch (LinkageError e) {
            System.getLogger(OptionalEventAdmin.class.getName()).log(System.Logger.Level.WARNING,
                    "an Event Admin appeared but this bundle was resolved without org.osgi.service.event; "
                            + "it posts no events until it is refreshed");
        }
    }

    void unbind(ComponentServiceObjects<?> eventAdmin) {
        ServiceReference<?> gone = eventAdmin.getServiceReference();
        bound.updateAndGet(b -> b != null && Objects.equals(b.reference(), gone) ? null : b);
    }

    void post(String topic, Map<String, Object> properties) {
        Bound b = bound.get();
        if (b == null) {
            return;
        }
        try {
            b.poster().post(topic, properties);
        } catch (RuntimeException e) {
            // Event Admin going away mid-call: the event is lost, the routing is not.
        }
    }

    private static final class Poster {

        private final EventAdmin eventAdmin;

        private Poster(EventAdmin eventAdmin) {
            this.eventAdmin = eventAdmin;
        }

        static Poster of(Object service) {
            return new Poster((EventAdmin) service);
        }

        void post(String topic, Map<String, Object> properties) {
            eventAdmin.postEvent(new Event(topic, properties));
        }
    }
}
