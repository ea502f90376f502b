/** A link in a WaitQueue; waiters embed these fields so queueing allocates nothing extra. */
export interface WaitQueueNode<T> {
  previous: T | undefined;
  next: T | undefined;
  /** True while the node is linked; lets removal be idempotent. */
  queued: boolean;
}

/**
 * Intrusive FIFO list: O(1) push, shift and removal from the middle (an aborted or timed-out
 * waiter leaves at once, so abandoned waiters never pile up behind a slow head).
 */
export class WaitQueue<T extends WaitQueueNode<T>> {
  private first: T | undefined;
  private last: T | undefined;
  private count = 0;

  get size(): number {
    return this.count;
  }

  get head(): T | undefined {
    return this.first;
  }

  push(node: T): void {
    node.previous = this.last;
    node.next = undefined;
    node.queued = true;
    if (this.last) this.last.next = node;
    else this.first = node;
    this.last = node;
    this.count++;
  }

  shift(): T | undefined {
    const node = this.first;
    if (node) this.remove(node);
    return node;
  }

  /** Unlinks the node; a no-op when it is not queued. */
  remove(node: T): void {
    if (!node.queued) return;
    if (node.previous) node.previous.next = node.next;
    else this.first = node.next;
    if (node.next) node.next.previous = node.previous;
    else this.last = node.previous;
    node.previous = undefined;
    node.next = undefined;
    node.queued = false;
    this.count--;
  }
}
