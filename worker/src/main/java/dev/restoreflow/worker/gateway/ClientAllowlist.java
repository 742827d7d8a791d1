package dev.restoreflow.worker.gateway;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Client addresses the gateway talks to: loopback always, plus configured addresses/CIDRs. */
final class ClientAllowlist {

  private record Block(byte[] network, int prefix) {}

  private final List<Block> blocks;

  ClientAllowlist(List<String> allow) {
    this.blocks = allow.stream().map(ClientAllowlist::block).toList();
  }

  boolean allows(InetAddress address) {
    if (address.isLoopbackAddress()) {
      return true;
    }
    byte[] bytes = address.getAddress();
    return blocks.stream().anyMatch(b -> matches(b, bytes));
  }

  private static boolean matches(Block block, byte[] address) {
    if (block.network.length != address.length) {
      return false;
    }
    int bits = block.prefix;
    for (int i = 0; i < address.length && bits > 0; i++, bits -= 8) {
      int mask = bits >= 8 ? 0xFF : (0xFF << (8 - bits)) & 0xFF;
      if ((address[i] & mask) != (block.network[i] & mask)) {
        return false;
      }
    }
    return true;
  }

  private static Block block(String text) {
    String[] parts = text.split("/", 2);
    try {
      byte[] network = InetAddress.getByName(parts[0]).getAddress();
      int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : network.length * 8;
      return new Block(network, Math.min(prefix, network.length * 8));
    } catch (UnknownHostException | NumberFormatException e) {
      throw new IllegalArgumentException("lineGateway.allow: '" + text + "' is not an address or CIDR");
    }
  }
}
