package dev.bastion.gateway.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.Json;

/** Bodies of the health endpoints. */
final class Health {
    private Health() {
    }

    static ObjectNode status(String status) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("status", status);
        return node;
    }
}
