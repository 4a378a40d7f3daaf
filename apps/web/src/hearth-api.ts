// The app core's contract as the web app imports it: one place that names where the
// types come from, so the UI never reaches into the client's files elsewhere.

export type {
  AppSnapshot,
  BanSummary,
  ChannelSummary,
  HearthAppApi,
  Hex,
  InviteOptions,
  InviteResult,
  MemberSummary,
  MeSnapshot,
  MessagePage,
  MessageSummary,
  NetworkSummary,
  Presence,
  ProfileSummary,
  ReactionSummary,
  Rights,
  RoomConnection,
  RoomSnapshot,
  RoomSummary
} from '@hearth/client'
