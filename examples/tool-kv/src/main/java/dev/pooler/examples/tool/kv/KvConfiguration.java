package dev.pooler.examples.tool.kv;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The key-value tool's table. */
@ObjectClassDefinition(id = KvConfiguration.PID, name = "Pooler example: key-value tool",
        description = "A small key-value table Python commands look up with ctx.call_tool(\"kv\", {\"key\": ...}).")
public @interface KvConfiguration {

    String PID = "dev.pooler.examples.kv";

    @AttributeDefinition(name = "Entries", description = "The table, as key=value pairs (keys are matched exactly).")
    String[] entries() default {"pool=a set of worker processes", "router=picks a pool for each request",
            "worker=one Python process", "tool=a Java service Python calls"};
}
