#!/usr/bin/python3
"""Checks api/query_codec against the last botocore that spoke the SQS Query protocol.

Run with Debian's /usr/bin/python3, whose botocore (1.29) has the Query model at
/usr/lib/python3/dist-packages/botocore/data/sqs/2012-11-05/service-2.json. The three
move-task actions and ReceiveMessage's MessageSystemAttributeNames are newer than that
model; they are added below by analogy with the rest, as query_codec.cpp shapes them.

  query_xml_check.py requests
      Prints, for every action, the form body old botocore's own Query serializer sends
      for a representative request. tests/api/query_response_test.cpp pins these strings.

  query_xml_check.py check DUMP.json
      DUMP.json comes from the C++ test:
        SPOOL_QUERY_XML_DUMP=DUMP.json spool_api_tests --gtest_filter='QueryXml*'
      It lists {action, result, xml}: each XML json_response_to_xml rendered for a
      result Json. Old botocore's Query response parser must read each XML back into
      the same values. Exit status 1 on any mismatch.

The C++ tests do not need this script; it is how their literals were produced and
checked.
"""

import base64
import copy
import json
import sys

import botocore
from botocore.awsrequest import AWSRequest
from botocore.model import ServiceModel
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

OLD_MODEL = '/usr/lib/python3/dist-packages/botocore/data/sqs/2012-11-05/service-2.json'


def old_query_model():
    with open(OLD_MODEL) as f:
        model = json.load(f)
    assert model['metadata']['protocol'] == 'query', 'expected the Query-era model'
    shapes = model['shapes']
    ops = model['operations']

    def struct(*members):
        return {'type': 'structure', 'members': {name: {'shape': shape} for name, shape in members}}

    shapes['Long'] = {'type': 'long'}
    shapes['StartMessageMoveTaskRequest'] = struct(
        ('SourceArn', 'String'), ('DestinationArn', 'String'),
        ('MaxNumberOfMessagesPerSecond', 'Integer'))
    shapes['StartMessageMoveTaskResult'] = struct(('TaskHandle', 'String'))
    shapes['CancelMessageMoveTaskRequest'] = struct(('TaskHandle', 'String'))
    shapes['CancelMessageMoveTaskResult'] = struct(('ApproximateNumberOfMessagesMoved', 'Long'))
    shapes['ListMessageMoveTasksRequest'] = struct(('SourceArn', 'String'), ('MaxResults', 'Integer'))
    shapes['ListMessageMoveTasksResultEntry'] = struct(
        ('TaskHandle', 'String'), ('Status', 'String'), ('SourceArn', 'String'),
        ('DestinationArn', 'String'), ('MaxNumberOfMessagesPerSecond', 'Integer'),
        ('ApproximateNumberOfMessagesMoved', 'Long'), ('ApproximateNumberOfMessagesToMove', 'Long'),
        ('FailureReason', 'String'), ('StartedTimestamp', 'Long'))
    shapes['ListMessageMoveTasksResultEntryList'] = {
        'type': 'list', 'flattened': True,
        'member': {'shape': 'ListMessageMoveTasksResultEntry',
                   'locationName': 'ListMessageMoveTasksResultEntry'}}
    shapes['ListMessageMoveTasksResult'] = struct(('Results', 'ListMessageMoveTasksResultEntryList'))
    for name in ('StartMessageMoveTask', 'CancelMessageMoveTask', 'ListMessageMoveTasks'):
        ops[name] = {'name': name, 'http': {'method': 'POST', 'requestUri': '/'},
                     'input': {'shape': name + 'Request'},
                     'output': {'shape': name + 'Result', 'resultWrapper': name + 'Result'}}
    shapes['MessageSystemAttributeList'] = {
        'type': 'list', 'flattened': True,
        'member': {'shape': 'String', 'locationName': 'MessageSystemAttributeName'}}
    shapes['ReceiveMessageRequest']['members']['MessageSystemAttributeNames'] = {
        'shape': 'MessageSystemAttributeList'}
    return ServiceModel(model, 'sqs')


URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/orders'
ARN = 'arn:aws:sqs:us-east-1:123456789012:orders'
DLQ_ARN = 'arn:aws:sqs:us-east-1:123456789012:orders-dlq'
HANDLE = 'AQEB+x/y=='
BODY = 'h\u00e9llo & <w\u00f6rld> 100% + \u2713\r\n'

# One representative request per action, in the current model's member names (the old
# model has the same input member names).
REQUESTS = {
    'AddPermission': {'QueueUrl': URL, 'Label': 'grant-1', 'AWSAccountIds': ['111122223333', '444455556666'],
                      'Actions': ['SendMessage', 'ReceiveMessage']},
    'CancelMessageMoveTask': {'TaskHandle': 'eyJ0YXNrSWQiOiIxIn0='},
    'ChangeMessageVisibility': {'QueueUrl': URL, 'ReceiptHandle': HANDLE, 'VisibilityTimeout': 40},
    'ChangeMessageVisibilityBatch': {'QueueUrl': URL, 'Entries': [
        {'Id': 'a', 'ReceiptHandle': 'h1', 'VisibilityTimeout': 0},
        {'Id': 'b', 'ReceiptHandle': 'h2', 'VisibilityTimeout': 43200}]},
    'CreateQueue': {'QueueName': 'orders.fifo',
                    'Attributes': {'FifoQueue': 'true', 'VisibilityTimeout': '40',
                                   'RedrivePolicy': '{"deadLetterTargetArn":"%s","maxReceiveCount":5}' % DLQ_ARN},
                    'tags': {'team': 'payments', 'cost center': '42'}},
    'DeleteMessage': {'QueueUrl': URL, 'ReceiptHandle': HANDLE},
    'DeleteMessageBatch': {'QueueUrl': URL, 'Entries': [{'Id': 'm1', 'ReceiptHandle': 'h1'},
                                                        {'Id': 'm2', 'ReceiptHandle': 'h2'}]},
    'DeleteQueue': {'QueueUrl': URL},
    'GetQueueAttributes': {'QueueUrl': URL, 'AttributeNames': ['VisibilityTimeout', 'QueueArn']},
    'GetQueueUrl': {'QueueName': 'orders', 'QueueOwnerAWSAccountId': '123456789012'},
    'ListDeadLetterSourceQueues': {'QueueUrl': URL, 'NextToken': 'tok/1=', 'MaxResults': 10},
    'ListMessageMoveTasks': {'SourceArn': DLQ_ARN, 'MaxResults': 5},
    'ListQueueTags': {'QueueUrl': URL},
    'ListQueues': {'QueueNamePrefix': 'ord', 'NextToken': 'tok', 'MaxResults': 1000},
    'PurgeQueue': {'QueueUrl': URL},
    'ReceiveMessage': {'QueueUrl': URL, 'AttributeNames': ['All'],
                       'MessageSystemAttributeNames': ['SentTimestamp', 'AWSTraceHeader'],
                       'MessageAttributeNames': ['color', 'size.*'], 'MaxNumberOfMessages': 10,
                       'VisibilityTimeout': 60, 'WaitTimeSeconds': 20, 'ReceiveRequestAttemptId': 'attempt-1'},
    'RemovePermission': {'QueueUrl': URL, 'Label': 'grant-1'},
    'SendMessage': {'QueueUrl': URL, 'MessageBody': BODY, 'DelaySeconds': 5,
                    'MessageAttributes': {
                        'color': {'DataType': 'String', 'StringValue': 'bl\u00fc'},
                        'size': {'DataType': 'Number.int', 'StringValue': '12'},
                        'blob': {'DataType': 'Binary', 'BinaryValue': b'\x00\xff\x10'},
                        'lists': {'DataType': 'String', 'StringListValues': ['x', 'y'],
                                  'BinaryListValues': [b'\x01', b'\x02\x03']}},
                    'MessageSystemAttributes': {
                        'AWSTraceHeader': {'DataType': 'String', 'StringValue': 'Root=1-5759e988-bd862e3fe1be46a994272793'}},
                    'MessageDeduplicationId': 'dedupe-1', 'MessageGroupId': 'group-1'},
    'SendMessageBatch': {'QueueUrl': URL, 'Entries': [
        {'Id': 'first', 'MessageBody': 'one', 'DelaySeconds': 1,
         'MessageAttributes': {'k': {'DataType': 'String', 'StringValue': 'v'}}},
        {'Id': 'second', 'MessageBody': 'two',
         'MessageAttributes': {'b': {'DataType': 'Binary', 'BinaryValue': b'\xfe'}},
         'MessageSystemAttributes': {'AWSTraceHeader': {'DataType': 'String', 'StringValue': 'Root=1-2'}},
         'MessageDeduplicationId': 'd2', 'MessageGroupId': 'g2'}]},
    'SetQueueAttributes': {'QueueUrl': URL, 'Attributes': {'DelaySeconds': '0', 'Policy': ''}},
    'StartMessageMoveTask': {'SourceArn': DLQ_ARN, 'DestinationArn': ARN, 'MaxNumberOfMessagesPerSecond': 50},
    'TagQueue': {'QueueUrl': URL, 'Tags': {'env': 'prod', 'owner': 'a&b'}},
    'UntagQueue': {'QueueUrl': URL, 'TagKeys': ['env', 'owner']},
}


def form_body(model, action, params):
    request = create_serializer('query').serialize_to_request(params, model.operation_model(action))
    # AWSRequest encodes a dict body exactly as botocore sends it on the wire.
    return AWSRequest(method='POST', url=URL, data=request['body']).prepare().body


def print_requests(model):
    for action in sorted(REQUESTS):
        print('%s\n  "%s"' % (action, form_body(model, action, REQUESTS[action])))


def as_botocore_parses(shape, value):
    """The Json result as botocore's parser would return it: blobs as bytes, and no
    empty lists or maps (a flattened list with no elements leaves no trace in XML)."""
    if value is None:
        return None
    if shape.type_name == 'structure':
        return {k: as_botocore_parses(shape.members[k], v) for k, v in value.items()
                if v not in ([], {})}
    if shape.type_name == 'list':
        return [as_botocore_parses(shape.member, v) for v in value]
    if shape.type_name == 'map':
        return {k: as_botocore_parses(shape.value, v) for k, v in value.items()}
    if shape.type_name == 'blob':
        return base64.b64decode(value)
    return value


def check(model, dump_path):
    with open(dump_path) as f:
        cases = json.load(f)
    failures = 0
    for case in cases:
        action, result, xml = case['action'], case['result'], case['xml']
        operation = model.operation_model(action)
        response = {'body': xml.encode('utf-8'), 'headers': {}, 'status_code': 200}
        parsed = create_parser('query').parse(response, operation.output_shape)
        metadata = parsed.pop('ResponseMetadata', {})
        expected = as_botocore_parses(operation.output_shape, result) if operation.output_shape else {}
        ok = parsed == expected and metadata.get('RequestId') == case.get('request_id')
        print('%-30s %s' % (action, 'ok' if ok else 'MISMATCH'))
        if not ok:
            failures += 1
            print('  parsed:   %r\n  expected: %r\n  metadata: %r' % (parsed, expected, metadata))
    print('%d cases, %d mismatches (botocore %s)' % (len(cases), failures, botocore.__version__))
    return 1 if failures else 0


def main(argv):
    model = old_query_model()
    if len(argv) == 2 and argv[1] == 'requests':
        print_requests(model)
        return 0
    if len(argv) == 3 and argv[1] == 'check':
        return check(model, argv[2])
    print(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
