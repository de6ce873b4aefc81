// Package sqs checks an Amazon SQS queue: one GetQueueAttributes call reads
// its approximate depth, which is the check's observed value, and the check
// warns when the depth is above a limit or when the queue's dead-letter
// queue holds messages.
//
// The check needs sqs:GetQueueAttributes on the queue and, when a
// dead-letter queue is given, on that queue too.
package sqs
