package dev.pooler.api.tools;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Names a tool component in one annotation: {@code @PoolerToolName("kv")} sets the service property
 * {@code pooler.tool=kv} ({@link PoolerTool#NAME}).
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface PoolerToolName {
    String PREFIX_ = "pooler.";

    /** The tool's name, as Python calls it. */
    String tool();
}
