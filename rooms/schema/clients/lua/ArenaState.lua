-- 
-- THIS FILE HAS BEEN GENERATED AUTOMATICALLY
-- DO NOT CHANGE IT MANUALLY UNLESS YOU KNOW WHAT YOU'RE DOING
-- 
-- GENERATED USING @colyseus/schema 5.0.34
-- 

local schema = require 'colyseus.serializer.schema.schema'
local Player = require 'Player'
local Projectile = require 'Projectile'

---@class ArenaState: Schema
---@field tick number
---@field tickHz number
---@field players MapSchema
---@field projectiles MapSchema
local ArenaState = schema.define({
    ["tick"] = "uint32",
    ["tickHz"] = "uint8",
    ["players"] = { map = Player },
    ["projectiles"] = { map = Projectile },
    ["_fields_by_index"] = { "tick", "tickHz", "players", "projectiles" },
})

return ArenaState
