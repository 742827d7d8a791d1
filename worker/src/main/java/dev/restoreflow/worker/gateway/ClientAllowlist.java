package dev.restoreflow.worker.gateway;

import dev.restoreflow.worker.config.IpBlock;
import java.net.InetAddress;
import java.util.List;

/**
 * Client addresses the gateway talks to: loopback always, plus configured addresses/CIDRs. The
 * entries are literal addresses, never looked up by name.
 */
final class ClientAllowlist {

  private final List<IpBlock> blocks;

  ClientAllowlist(List<String> allow) {
    this.blocks = allow.stream().map(ClientAllowlist::block).toList();
  }

  boolean allows(InetAddress address) {
    if (address.isLoopbackAddress()) {
      return true;
    }
    byte[] bytes = address.getAddress();
    return blocks.stream().anyMatch(b -> b.contains(bytes));
  }

  private static IpBlock block(String text) {
    try {
      return IpBlock.block(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("lineGateway.allow: " + e.getMessage(), e);
    }
  }
}
