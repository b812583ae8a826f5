package dev.pooler.webconsole.http;

import java.math.BigDecimal;

/** A JSON number kept as written: Gson writes it back verbatim, so the worker reads what the client sent. */
final class JsonNumber extends Number {
    private static final long serialVersionUID = 1L;
    private final String literal;

    JsonNumber(String literal) {
        this.literal = literal;
    }

    @Override
    public int intValue() {
        return (int) longValue();
    }

    @Override
    public long longValue() {
        try {
            return Long.parseLong(literal);
        } catch (NumberFormatException e) {
            return new BigDecimal(literal).longValue();
        }
    }

    @Override
    public float floatValue() {
        return Float.parseFloat(literal);
    }

    @Override
    public double doubleValue() {
        return Double.parseDouble(literal);
    }

    @Override
    public String toString() {
        return literal;
    }
}
