DROP TABLE invitations;
DROP TABLE refresh_tokens;
DROP TABLE sessions;
DROP TABLE credentials;
DROP TABLE user_roles;
DROP TABLE role_permissions;
DROP TABLE roles;
DROP TABLE users;
