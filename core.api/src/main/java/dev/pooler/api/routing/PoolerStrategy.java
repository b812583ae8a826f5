package dev.pooler.api.routing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Names a strategy component in one annotation: {@code @PoolerStrategy("p2c")} sets the service
 * property {@code pooler.strategy=p2c} ({@link LoadBalancingStrategy#NAME}).
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface PoolerStrategy {
    /** The strategy's name, as configured in {@code dev.pooler.loadbalancing} {@code strategy}. */
    String value();
}
