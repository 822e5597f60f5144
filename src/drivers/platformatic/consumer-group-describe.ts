// ConsumerGroupDescribe v0 (KIP-848), written here from Kafka's message definition
// (ConsumerGroupDescribeResponse.json): a consumer-protocol group is not a classic one, so the broker
// answers DescribeGroups for it with GROUP_ID_NOT_FOUND, and the library's own ConsumerGroupDescribe
// reads a member's subscribed topics as one string instead of an array, misreading every later field.
import { createAPI, Reader, ResponseError, Writer } from '@platformatic/kafka';

export interface DescribedMember {
  memberId: string;
  clientId: string;
  clientHost: string;
  assignment: { topicName: string; partitions: number[] }[];
}
export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  groupState: string;
  members: DescribedMember[];
}

function createRequest(groupIds: string[], includeAuthorizedOperations: boolean): Writer {
  return Writer.create()
    .appendArray(groupIds, (w, g) => w.appendString(g), true, false)
    .appendBoolean(includeAuthorizedOperations)
    .appendTaggedFields();
}

function readAssignment(r: Reader): { topicName: string; partitions: number[] }[] {
  const topics = r.readArray((t) => {
    t.readUUID();
    const topicName = t.readString();
    return { topicName, partitions: t.readArray(() => t.readInt32(), true, false) };
  });
  r.readTaggedFields(); // the Assignment struct's own
  return topics;
}

function parseResponse(_correlationId: number, apiKey: number, apiVersion: number, reader: Reader): { groups: DescribedGroup[] } {
  const errors: [string, number][] = [];
  reader.readInt32(); // throttle_time_ms
  const groups = reader.readArray((r, i) => {
    const errorCode = r.readInt16();
    if (errorCode !== 0) errors.push([`/groups/${i}`, errorCode]);
    r.readNullableString(); // error_message
    const groupId = r.readString();
    const groupState = r.readString();
    r.readInt32(); // group_epoch
    r.readInt32(); // assignment_epoch
    r.readString(); // assignor_name
    const members = r.readArray((m) => {
      const memberId = m.readString();
      m.readNullableString(); // instance_id
      m.readNullableString(); // rack_id
      m.readInt32(); // member_epoch
      const clientId = m.readString();
      const clientHost = m.readString();
      m.readArray(() => m.readString(), true, false); // subscribed_topic_names
      m.readNullableString(); // subscribed_topic_regex
      const assignment = readAssignment(m);
      readAssignment(m); // target_assignment
      return { memberId, clientId, clientHost, assignment };
    });
    r.readInt32(); // authorized_operations
    return { errorCode, groupId, groupState, members };
  });
  const response = { groups };
  if (errors.length) throw new ResponseError(apiKey, apiVersion, Object.fromEntries(errors), response);
  return response;
}

export const consumerGroupDescribeV0 = createAPI(69, 0, createRequest, parseResponse);
