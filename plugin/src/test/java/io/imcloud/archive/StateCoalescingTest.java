package io.imcloud.archive;

import io.imcloud.tenancy.AppKey;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.imcloud.archive.ArchiveFixtures.APP;
import static io.imcloud.archive.ArchiveFixtures.OTHER_APP;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A delivery state queued behind its message's append is written with the insert, the furthest one when there
 * are several; one whose message is not in the batch (committed earlier) stays a state change of its own.
 */
class StateCoalescingTest {

    @Test
    void aStateBehindItsAppendIsWrittenWithTheInsert() {
        WriteCommand.Append first = append(APP, 10);
        WriteCommand.Append second = append(APP, 11);
        WriteCommand.Append third = append(APP, 12);
        List<WriteCommand> batch = List.of(first, second, third, new WriteCommand.StateChange(APP, 10, DeliveryState.DELIVERED),
                new WriteCommand.StateChange(APP, 11, DeliveryState.OFFLINE),
                new WriteCommand.StateChange(APP, 11, DeliveryState.DELIVERED),
                new WriteCommand.StateChange(APP, 12, DeliveryState.DELIVERED),
                new WriteCommand.StateChange(APP, 12, DeliveryState.OFFLINE));

        List<WriteCommand> coalesced = BatchCommitter.coalesceStates(batch);

        assertEquals(List.of(first.withState(DeliveryState.DELIVERED), second.withState(DeliveryState.DELIVERED),
                third.withState(DeliveryState.DELIVERED)), coalesced, "the furthest state wins in either order");
    }

    @Test
    void aStateOfAnEarlierBatchOrAnotherAppStaysAnUpdate() {
        WriteCommand.Append appended = append(APP, 20);
        WriteCommand.StateChange earlier = new WriteCommand.StateChange(APP, 5, DeliveryState.DELIVERED);
        WriteCommand.StateChange otherApp = new WriteCommand.StateChange(OTHER_APP, 20, DeliveryState.DELIVERED);
        WriteCommand.StateChange beforeItsAppend = new WriteCommand.StateChange(APP, 21, DeliveryState.DELIVERED);
        WriteCommand.Append late = append(APP, 21);
        List<WriteCommand> batch = List.of(earlier, appended, otherApp, beforeItsAppend, late);

        assertEquals(batch, BatchCommitter.coalesceStates(batch));
    }

    private static WriteCommand.Append append(AppKey app, long id) {
        return new WriteCommand.Append(new ArchivedMessage(id, app, "alice", "bob", 1L, "chat", "hi", null, null, null,
                DeliveryState.PENDING), 0);
    }
}
